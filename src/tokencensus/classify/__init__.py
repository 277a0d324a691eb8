"""Task classification of a privacy-preserving sample of prompts."""
