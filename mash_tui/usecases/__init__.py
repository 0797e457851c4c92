"""Provides the write side: every act people do, each a short function over a unit of work."""
