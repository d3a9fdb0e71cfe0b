# syntax=docker/dockerfile:1
# stocktake with the NetCDF reader (-tags netcdf), on Debian 12.
#
#   docker build -t stocktake --build-arg VERSION=$(git describe --tags --always) \
#     --build-arg COMMIT=$(git rev-parse HEAD) .
#   docker run -p 8080:8080 -v stocktake:/data stocktake            # serve
#   docker run -v stocktake:/data stocktake watch --every 6h --addr 0.0.0.0:8080
#
# The build stage compiles with cgo against Debian's netCDF-C, HDF5 and
# libdeflate; the runtime stage has only their shared libraries, CA
# certificates and the binary, and runs as an unprivileged user.

FROM golang:1.26-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libnetcdf-dev libhdf5-dev libdeflate-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=1 go build -tags netcdf -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/stocktake/stocktake/internal/buildinfo.version=${VERSION} -X github.com/stocktake/stocktake/internal/buildinfo.commit=${COMMIT}" \
      -o /out/stocktake ./cmd/stocktake \
 && /out/stocktake --version

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates tzdata libnetcdf19 libhdf5-103-1 libdeflate0 zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin stocktake \
 && mkdir -p /data && chown stocktake:stocktake /data && chmod 0700 /data
COPY --from=build /out/stocktake /usr/local/bin/stocktake
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
ENV STOCKTAKE_DB=/data/stocktake.db
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/stocktake"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--log-level", "info"]
