/*
 * direct.h declares the HDF5 direct-chunk reader used for NetCDF-4 files.
 * It is not thread-safe: callers serialise every call (the Go side holds
 * cMu), because the Debian HDF5 and netCDF-C builds are not thread-safe.
 */
#ifndef STOCKTAKE_GRID_DIRECT_H
#define STOCKTAKE_GRID_DIRECT_H

#include <stddef.h>

/* Return codes of st_direct_read. */
#define ST_OK 0
#define ST_FALLBACK 1      /* layout or filters not supported here; use nc_get_vara */
#define ST_ERR_OPEN -1     /* HDF5 could not open the file or dataset */
#define ST_ERR_CHUNK -2    /* a chunk could not be read */
#define ST_ERR_INFLATE -3  /* a chunk failed to inflate (corrupt data) */
#define ST_ERR_SIZE -4     /* a chunk inflated to an unexpected size */
#define ST_ERR_NOMEM -5

/*
 * st_direct_read reads the hyperslab start[0..ndims)+count[0..ndims) of the
 * dataset dsname (an absolute HDF5 path such as "/sst") into out, in
 * row-major order and native byte order, elsize bytes per element. It reads
 * each intersecting chunk's stored bytes with H5Dread_chunk and undoes the
 * deflate and shuffle filters itself. It returns ST_FALLBACK, without
 * touching out, when the dataset is not chunked, uses other filters, has an
 * unallocated chunk, or its shape or element size differ from expectation.
 */
int st_direct_read(const char *path, const char *dsname, int ndims,
                   const size_t *shape, const size_t *start, const size_t *count,
                   size_t elsize, void *out);

/* st_quiet turns off HDF5's automatic error-stack printing to stderr. */
void st_quiet(void);

/*
 * st_inflate inflates a zlib stream of n bytes into out of cap bytes and
 * returns the inflated length, or -1 on error. The benchmark uses it to
 * time the inflate floor with the same zlib as the reader.
 */
long st_inflate(const void *in, size_t n, void *out, size_t cap);

/*
 * st_inflate_libdeflate is st_inflate with the inflater st_direct_read
 * uses (libdeflate), for the benchmark's second floor.
 */
long st_inflate_libdeflate(const void *in, size_t n, void *out, size_t cap);

/*
 * st_raw_chunk copies the stored (still compressed) bytes of chunk number
 * index of dataset dsname into buf and returns their length; it returns
 * the length without copying when buf is NULL or cap is too small, -2 when
 * index is past the last chunk and -1 on error. The benchmark uses it.
 */
long st_raw_chunk(const char *path, const char *dsname, int index, void *buf, size_t cap);

/*
 * st_decompressor returns a new libdeflate decompressor (NULL when out of
 * memory) for st_inflate_with. A decompressor may be used by one thread at
 * a time; libdeflate itself keeps no other state, so the Go reader gives
 * each goroutine its own.
 */
void *st_decompressor(void);

/*
 * st_inflate_with inflates a zlib stream of n bytes into out of cap bytes
 * with decompressor d and returns the inflated length, or -1 when the
 * stream is corrupt or does not fit.
 */
long st_inflate_with(void *d, const void *in, size_t n, void *out, size_t cap);

/*
 * st_unshuffle undoes HDF5's shuffle filter on n elements of size bytes
 * from src into dst (not overlapping).
 */
void st_unshuffle(const void *src, void *dst, size_t n, size_t size);

/*
 * st_plane_sums_i16 sums the signed 16-bit values v with vlo <= v <= vhi of
 * a latitude-major field of nlon columns held as the shuffle filter's low
 * and high byte planes lo and hi. For each of the nrows rows rows[r] it
 * visits the columns of the nruns half-open ranges runs[2k]..runs[2k+1] and
 * stores the sum of those values in sums[r] and their number in cnts[r].
 * The caller guarantees that every row and range lies inside the planes.
 */
void st_plane_sums_i16(const unsigned char *lo, const unsigned char *hi, size_t nlon,
                       const long long *rows, size_t nrows, const long long *runs, size_t nruns,
                       int vlo, int vhi, long long *sums, long long *cnts);

#endif
