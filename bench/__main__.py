"""`make bench`: run every benchmark and print its table."""

from bench import ocr, pages

ocr.main()
pages.main()
