"""Sources: the walk over a knowledge base's folders, and every document read into a raw document.

The first stage of the pipeline; nothing here knows about pages or engines."""
