"""Publishing issues: the site, e-mail."""
