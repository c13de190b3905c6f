"""Entity resolution across languages, transliteration, translation cache, same-story links."""
