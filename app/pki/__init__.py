"""Department identities as SM2 X.509 certificates (GB/T 20518, GM/T 0015) and the office's trusted roots."""
