"""`make bench`: run every benchmark and print its table."""

from bench import ocr, pages, queue

ocr.main()
pages.main()
queue.main()
