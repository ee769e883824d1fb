"""Publish: what is made from a built site (offline copies, the service worker)."""
