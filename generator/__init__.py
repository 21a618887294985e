"""A static-site generator for digital critical editions of historical documents."""

__version__ = "0.1.0"
