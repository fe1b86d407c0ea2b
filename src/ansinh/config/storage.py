"""Static files storage for production: WhiteNoise's hashed (manifest) and compressed files.

The vendored Bootstrap files end with ``sourceMappingURL=bootstrap.min.css.map`` but the maps are not
shipped; Django's manifest storage would make ``collectstatic`` fail on them. A missing source map is
left unhashed (it only matters to a browser's developer tools); any other missing file still fails.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name, content=None, filename=None):
        path = urlsplit(unquote(filename or name)).path.strip()
        if content is None and path.endswith(".map") and not self.exists(path):
            return name
        return super().hashed_name(name, content, filename)
