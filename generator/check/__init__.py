"""Check: raw documents made typed documents and problems, then catalogued, linked and governed.

The second stage: validate → catalogue → links, governance and alerts."""
