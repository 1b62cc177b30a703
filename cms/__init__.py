"""Core of the CMS: settings, storage, models, Vietnamese text helpers and the public site."""
