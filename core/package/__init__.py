"""``.jxpkg`` packages for carrying reports (and templates) between offices on a USB stick.

See docs/package.md. ``read_package``/``reports_of`` check everything before anything is used;
``write_package`` writes atomically and verifies by reading back.
"""
from core.package.format import FORMAT, SCHEMA_VERSION, SUFFIX, SUPPORTED_VERSIONS
from core.package.reader import Package, read_package, reports_of
from core.package.writer import PackageError, default_package_name, safe_file_name, write_package

__all__ = ["FORMAT", "SCHEMA_VERSION", "SUFFIX", "SUPPORTED_VERSIONS", "Package", "PackageError",
           "default_package_name", "read_package", "reports_of", "safe_file_name", "write_package"]
