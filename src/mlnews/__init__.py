"""mlnews: a weekly machine-learning research digest, end to end."""

__version__ = "0.1.0"
