FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY . .
RUN pip install . && rm -rf /src

# Run unprivileged; the embedded-FalkorDB mode (no REFNET_GRAPH_URL) keeps its files in /data.
RUN useradd --create-home --uid 10001 refnet && mkdir /data && chown refnet /data
USER refnet
WORKDIR /data
ENV REFNET_DATA=/data

# Safe by default: on 0.0.0.0 `refnet serve` refuses to start unless REFNET_ADMIN_TOKEN is set
# (docker run -e REFNET_ADMIN_TOKEN=...); see docs/security.md.
EXPOSE 8000
CMD ["refnet", "serve", "--host", "0.0.0.0", "--port", "8000"]
