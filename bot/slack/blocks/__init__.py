"""Block Kit messages by feature; `base` holds the pieces and the one escape."""
