"""Provides the vocabulary and rules of the MASH front door: pure Python, no SQL, no Textual."""
