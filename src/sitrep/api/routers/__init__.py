"""One router per resource: events, articles, stats, export."""
