"""Web pages: what a page says about itself."""
