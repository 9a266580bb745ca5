"""`mlnews app`: the week's candidates in a browser, decided by keyboard, over the library.

`server` is the FastAPI application (pages and a small JSON API); `guard` keeps it to
the curator: the Host header checked (no DNS rebinding), a CSRF token on every change, a
Content-Security-Policy that allows only the app's own script, and a token when it is
served beyond loopback. The page's script (`static/app.js`) builds everything with
textContent: nothing from an item becomes markup.
"""
