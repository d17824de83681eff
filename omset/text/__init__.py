"""Text handling that does not need Apertium: input cleaning and segmentation."""
