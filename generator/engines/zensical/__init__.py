"""The Zensical adapter: Zensical builds the staged tree, opskb adds what it does not."""
