"""Provides the read side: queue, detail, lookups, weekly figures and Annex A; never writes."""
