"""The MkDocs adapter (MkDocs and ProperDocs): the only code that imports MkDocs."""
