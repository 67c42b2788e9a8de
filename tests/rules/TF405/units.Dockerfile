FROM example.com/unknown:1
RUN useradd -u 100000 a
RUN useradd --uid=1999999999 b
RUN useradd -u 4294967294 c
