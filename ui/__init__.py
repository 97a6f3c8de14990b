"""govdesk's Qt user interface: widgets and glue only; the domain lives in app/."""
