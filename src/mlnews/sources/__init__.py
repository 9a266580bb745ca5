"""Where items come from: file formats (and, later, live collectors)."""
