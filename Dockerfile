# genome_kit in a slim image: `docker build -t genome_kit .` from the checkout, then
#   docker run --rm genome_kit                       # the offline demo (default command)
#   docker run --rm -v gkdata:/data genome_kit data ls
#   docker run --rm -v "$PWD:/work" -v gkdata:/data genome_kit build --assembly myasm --fasta myasm.fa.gz
#   docker run --rm -v gkdata:/data genome_kit data build hg38/gencode/v46 /data    # a shipped recipe
#   docker run --rm -v "$PWD/data-src:/data-src" -v gkdata:/data --entrypoint python genome_kit \
#       /data-src/build.py hg19.p13.plusMT/assembly /data                          # a recipe tree of your own
# Data files live in the volume /data ($GENOMEKIT_DATA_DIR). See docs/docker-conda.md.
# tests/test_docker.py runs this file's pip steps in a virtual environment (no docker engine needed):
# keep every RUN a plain `&&` chain of apt-get / python -m pip / rm commands.

# ---- builder: compiler and build tools only here; produces the wheel
FROM python:3.11-slim AS builder
RUN apt-get update && apt-get install -y --no-install-recommends g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# scikit-build-core fetches CMake and Ninja from PyPI when the image has none
RUN python -m pip install --no-cache-dir --upgrade pip && python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# ---- runtime: the wheel and its Python dependencies, no compiler
FROM python:3.11-slim
COPY --from=builder /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/genome_kit-*.whl && rm -rf /wheels
ENV GENOMEKIT_DATA_DIR=/data
VOLUME /data
WORKDIR /work
ENTRYPOINT ["python", "-m", "genome_kit"]
CMD ["demo"]
