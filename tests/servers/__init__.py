"""Real servers on loopback for the tests: Dovecot, an aiosmtpd SMTP server, Google emulations."""
