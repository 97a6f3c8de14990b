"""OFD documents (GB/T 33190): read the container, verify its seals and signatures offline, issue sealed results."""
