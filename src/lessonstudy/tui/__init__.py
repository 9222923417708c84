"""The Textual app. Only commands that open the app import this package."""
