//go:build netcdf

/* direct.c implements direct.h; see there for the contract. */
#include "direct.h"

#include <hdf5.h>
#include "ncdl_redirect.h"
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAXDIMS 16

void st_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

long st_inflate(const void *in, size_t n, void *out, size_t cap) {
    uLongf outlen = (uLongf)cap;
    if (uncompress((Bytef *)out, &outlen, (const Bytef *)in, (uLong)n) != Z_OK)
        return -1;
    return (long)outlen;
}

/* The chunk inflater is libdeflate's whole-buffer zlib decoder, about 2.4
   times faster than zlib's streaming inflate on OISST chunks (2.3 against
   5.6 ms for one 642 KiB chunk). It checks the zlib header and the Adler-32
   of the output as zlib does. One decompressor is reused: callers are
   serialised. */
static struct libdeflate_decompressor *decomp;

/* inflate_chunk inflates the zlib stream in[0..n) into out of cap bytes and
   stores the inflated length in *outlen. It returns 0 or -1 on corrupt
   data, an output larger than cap, or no memory. */
static int inflate_chunk(const unsigned char *in, size_t n, unsigned char *out, size_t cap, size_t *outlen) {
    if (!decomp && !(decomp = libdeflate_alloc_decompressor())) return -1;
    return libdeflate_zlib_decompress(decomp, in, n, out, cap, outlen) == LIBDEFLATE_SUCCESS ? 0 : -1;
}

long st_inflate_libdeflate(const void *in, size_t n, void *out, size_t cap) {
    size_t outlen = 0;
    if (inflate_chunk(in, n, out, cap, &outlen) != 0) return -1;
    return (long)outlen;
}

/* unshuffle undoes HDF5's byte shuffle of n elements of size bytes each.
   src and dst do not overlap. For 2-byte elements (OISST's packed shorts)
   the two byte planes are interleaved 16 elements at a time with SSE2
   (part of every x86-64 CPU), which made the unshuffle of one OISST chunk
   about ten times faster than the byte loop the compiler produced; the
   result is the same bytes. */
static void unshuffle(const unsigned char *restrict src, unsigned char *restrict dst, size_t n, size_t size) {
    if (size == 2) {
        const unsigned char *lo = src, *hi = src + n;
        size_t i = 0;
#ifdef __SSE2__
        for (; i + 16 <= n; i += 16) {
            __m128i l = _mm_loadu_si128((const __m128i *)(lo + i));
            __m128i h = _mm_loadu_si128((const __m128i *)(hi + i));
            _mm_storeu_si128((__m128i *)(dst + 2 * i), _mm_unpacklo_epi8(l, h));
            _mm_storeu_si128((__m128i *)(dst + 2 * i + 16), _mm_unpackhi_epi8(l, h));
        }
#endif
        for (; i < n; i++) {
            dst[2 * i] = lo[i];
            dst[2 * i + 1] = hi[i];
        }
        return;
    }
    for (size_t b = 0; b < size; b++) {
        const unsigned char *s = src + b * n;
        for (size_t i = 0; i < n; i++) dst[i * size + b] = s[i];
    }
    /* HDF5 leaves any trailing bytes (when the buffer is not a whole number
       of elements) unshuffled; chunks here always are whole. */
}

static void byteswap(unsigned char *p, size_t n, size_t size) {
    for (size_t i = 0; i < n; i++, p += size)
        for (size_t a = 0, b = size - 1; a < b; a++, b--) {
            unsigned char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

/* Scratch buffers reused across calls (callers are serialised), so that
   reading a file does not page-fault fresh memory each time. */
static unsigned char *scratch[3];
static size_t scratchcap[3];

static unsigned char *grow(int k, size_t n) {
    if (scratchcap[k] < n) {
        free(scratch[k]);
        scratch[k] = malloc(n);
        scratchcap[k] = scratch[k] ? n : 0;
    }
    return scratch[k];
}

int st_direct_read(const char *path, const char *dsname, int ndims,
                   const size_t *shape, const size_t *start, const size_t *count,
                   size_t elsize, void *out) {
    int rc = ST_FALLBACK;
    hid_t fid = -1, did = -1, dcpl = -1, tid = -1, sid = -1;
    unsigned char *raw = NULL, *plain = NULL, *tmp = NULL;
    if (ndims < 1 || ndims > MAXDIMS) return ST_FALLBACK;

    fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (fid < 0) return ST_ERR_OPEN;
    did = H5Dopen2(fid, dsname, H5P_DEFAULT);
    if (did < 0) { rc = ST_FALLBACK; goto done; }

    /* The dataset must be chunked, with only deflate and shuffle filters. */
    dcpl = H5Dget_create_plist(did);
    if (dcpl < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED) goto done;
    hsize_t chunk[MAXDIMS], dims[MAXDIMS];
    if (H5Pget_chunk(dcpl, ndims, chunk) != ndims) goto done;
    int nfilters = H5Pget_nfilters(dcpl);
    if (nfilters < 0 || nfilters > 8) goto done;
    H5Z_filter_t filters[8];
    for (int i = 0; i < nfilters; i++) {
        unsigned flags = 0;
        size_t nelmts = 0;
        char name[64];
        filters[i] = H5Pget_filter2(dcpl, (unsigned)i, &flags, &nelmts, NULL, sizeof name, name, NULL);
        if (filters[i] != H5Z_FILTER_DEFLATE && filters[i] != H5Z_FILTER_SHUFFLE) goto done;
    }

    /* The stored type must be a plain integer or float of elsize bytes. */
    tid = H5Dget_type(did);
    if (tid < 0) goto done;
    H5T_class_t cls = H5Tget_class(tid);
    if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Tget_size(tid) != elsize) goto done;
    H5T_order_t order = H5Tget_order(tid);
    int swap;
    {
        unsigned int one = 1;
        int little = *(unsigned char *)&one == 1;
        swap = elsize > 1 && ((little && order == H5T_ORDER_BE) || (!little && order == H5T_ORDER_LE));
    }

    /* The dataspace must have the shape netCDF reported. */
    sid = H5Dget_space(did);
    if (sid < 0 || H5Sget_simple_extent_ndims(sid) != ndims) goto done;
    H5Sget_simple_extent_dims(sid, dims, NULL);
    for (int d = 0; d < ndims; d++)
        if (dims[d] != shape[d] || start[d] + count[d] > shape[d] || chunk[d] == 0) goto done;

    size_t chunkn = 1;
    for (int d = 0; d < ndims; d++) chunkn *= chunk[d];
    size_t chunkbytes = chunkn * elsize;
    plain = grow(0, chunkbytes);
    tmp = grow(1, chunkbytes);
    if (!plain || !tmp) { rc = ST_ERR_NOMEM; goto done; }

    /* Walk the chunk grid intersecting the slab, odometer style. */
    hsize_t first[MAXDIMS], last[MAXDIMS], idx[MAXDIMS];
    for (int d = 0; d < ndims; d++) {
        if (count[d] == 0) { rc = ST_OK; goto done; }
        first[d] = start[d] / chunk[d];
        last[d] = (start[d] + count[d] - 1) / chunk[d];
        idx[d] = first[d];
    }
    /* Row-major strides of the output slab, in elements. */
    size_t ostride[MAXDIMS];
    ostride[ndims - 1] = 1;
    for (int d = ndims - 2; d >= 0; d--) ostride[d] = ostride[d + 1] * count[d + 1];

    for (;;) {
        hsize_t off[MAXDIMS];
        for (int d = 0; d < ndims; d++) off[d] = idx[d] * chunk[d];
        hsize_t stored = 0;
        if (H5Dget_chunk_storage_size(did, off, &stored) < 0) { rc = ST_ERR_CHUNK; goto done; }
        if (stored == 0) { rc = ST_FALLBACK; goto done; } /* unallocated: fill values */
        raw = grow(2, stored);
        if (!raw) { rc = ST_ERR_NOMEM; goto done; }
        uint32_t mask = 0;
        if (H5Dread_chunk(did, H5P_DEFAULT, off, &mask, raw) < 0) { rc = ST_ERR_CHUNK; goto done; }

        /* When this chunk is exactly the slab, the last filter writes
           straight into out. */
        int whole = !swap;
        for (int d = 0; d < ndims; d++)
            if (off[d] != start[d] || chunk[d] != count[d]) whole = 0;
        int lastf = -1;
        for (int i = 0; i < nfilters; i++)
            if (!(mask & (1u << i))) { lastf = i; break; }

        /* Undo the filters in reverse pipeline order. cur/curlen track the
           bytes so far. */
        unsigned char *cur = raw;
        size_t curlen = stored;
        for (int i = nfilters - 1; i >= 0; i--) {
            if (mask & (1u << i)) continue;
            unsigned char *dst = (cur == plain) ? tmp : plain;
            if (whole && i == lastf) dst = out;
            if (filters[i] == H5Z_FILTER_DEFLATE) {
                size_t outlen = 0;
                if (inflate_chunk(cur, curlen, dst, chunkbytes, &outlen) != 0) { rc = ST_ERR_INFLATE; goto done; }
                curlen = outlen;
            } else { /* shuffle */
                if (curlen != chunkbytes) { rc = ST_ERR_SIZE; goto done; }
                unshuffle(cur, dst, chunkn, elsize);
            }
            cur = dst;
        }
        if (curlen != chunkbytes) { rc = ST_ERR_SIZE; goto done; }
        if (cur == out) goto nextchunk;
        if (whole) { memcpy(out, cur, chunkbytes); goto nextchunk; }
        if (cur != plain) memcpy(plain, cur, chunkbytes);
        if (swap) byteswap(plain, chunkn, elsize);

        /* Copy the intersection of this chunk and the slab into out, one run
           along the last dimension at a time. */
        hsize_t lo[MAXDIMS], hi[MAXDIMS], p[MAXDIMS];
        for (int d = 0; d < ndims; d++) {
            lo[d] = off[d] > start[d] ? off[d] : start[d];
            hsize_t ce = off[d] + chunk[d], se = start[d] + count[d];
            hi[d] = ce < se ? ce : se; /* exclusive */
            p[d] = lo[d];
        }
        size_t run = (size_t)(hi[ndims - 1] - lo[ndims - 1]) * elsize;
        for (;;) {
            size_t ci = 0, oi = 0, cs = 1;
            for (int d = ndims - 1; d >= 0; d--) {
                ci += (size_t)(p[d] - off[d]) * cs;
                cs *= chunk[d];
                oi += (size_t)(p[d] - start[d]) * ostride[d];
            }
            memcpy((unsigned char *)out + oi * elsize, plain + ci * elsize, run);
            int d = ndims - 2;
            while (d >= 0) {
                if (++p[d] < hi[d]) break;
                p[d] = lo[d];
                d--;
            }
            if (d < 0) break;
        }

    nextchunk:;
        int d = ndims - 1;
        while (d >= 0) {
            if (++idx[d] <= last[d]) break;
            idx[d] = first[d];
            d--;
        }
        if (d < 0) break;
    }
    rc = ST_OK;

done:
    if (sid >= 0) H5Sclose(sid);
    if (tid >= 0) H5Tclose(tid);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (did >= 0) H5Dclose(did);
    if (fid >= 0) H5Fclose(fid);
    return rc;
}

long st_raw_chunk(const char *path, const char *dsname, int index, void *buf, size_t cap) {
    long rc = -1;
    hid_t fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (fid < 0) return -1;
    hid_t did = H5Dopen2(fid, dsname, H5P_DEFAULT);
    hid_t sid = did >= 0 ? H5Dget_space(did) : -1;
    hsize_t n = 0;
    if (sid >= 0 && H5Dget_num_chunks(did, sid, &n) >= 0 && (hsize_t)index < n) {
        hsize_t off[MAXDIMS];
        unsigned mask = 0;
        haddr_t addr = 0;
        hsize_t size = 0;
        if (H5Dget_chunk_info(did, sid, (hsize_t)index, off, &mask, &addr, &size) >= 0) {
            if (buf == NULL || size > cap) {
                rc = (long)size; /* the caller retries with a larger buffer */
            } else {
                uint32_t fm = 0;
                if (H5Dread_chunk(did, H5P_DEFAULT, off, &fm, buf) >= 0) rc = (long)size;
            }
        }
    } else if (sid >= 0 && (hsize_t)index >= n) {
        rc = -2;
    }
    if (sid >= 0) H5Sclose(sid);
    if (did >= 0) H5Dclose(did);
    H5Fclose(fid);
    return rc;
}

void *st_decompressor(void) { return libdeflate_alloc_decompressor(); }

long st_inflate_with(void *d, const void *in, size_t n, void *out, size_t cap) {
    size_t outlen = 0;
    if (libdeflate_zlib_decompress((struct libdeflate_decompressor *)d, in, n, out, cap, &outlen) != LIBDEFLATE_SUCCESS)
        return -1;
    return (long)outlen;
}

void st_unshuffle(const void *src, void *dst, size_t n, size_t size) { unshuffle(src, dst, n, size); }

/* plane_run_i16 adds to *sum and *cnt the values in [vlo, vhi] of the n
   signed 16-bit values whose low bytes are lo and high bytes hi. With SSE2
   it interleaves the planes 8 values at a time into 16-bit lanes, compares
   them with the bounds, and accumulates the kept values as pairs in 32-bit
   lanes and the count in 16-bit lanes, both flushed to 64 bits every 4096
   steps so that no lane can overflow (4096 steps add at most 2^28 in
   magnitude to a 32-bit lane and 4096 to a 16-bit one). The sums are exact
   integers, equal to the scalar loop's. */
static void plane_run_i16(const unsigned char *lo, const unsigned char *hi, size_t n, int vlo, int vhi,
                          long long *sum, long long *cnt) {
    long long s = 0, c = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i blo = _mm_set1_epi16((short)vlo), bhi = _mm_set1_epi16((short)vhi);
    const __m128i ones = _mm_set1_epi16(1);
    while (i + 8 <= n) {
        __m128i acc = _mm_setzero_si128(), cn = _mm_setzero_si128();
        for (int step = 0; step < 4096 && i + 8 <= n; step++, i += 8) {
            __m128i l = _mm_loadl_epi64((const __m128i *)(lo + i));
            __m128i h = _mm_loadl_epi64((const __m128i *)(hi + i));
            __m128i v = _mm_unpacklo_epi8(l, h);
            __m128i bad = _mm_or_si128(_mm_cmpgt_epi16(blo, v), _mm_cmpgt_epi16(v, bhi));
            acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_andnot_si128(bad, v), ones));
            cn = _mm_add_epi16(cn, _mm_andnot_si128(bad, ones));
        }
        int a[4];
        short k[8];
        _mm_storeu_si128((__m128i *)a, acc);
        _mm_storeu_si128((__m128i *)k, cn);
        s += (long long)a[0] + a[1] + a[2] + a[3];
        for (int j = 0; j < 8; j++) c += k[j];
    }
#endif
    for (; i < n; i++) {
        int v = (short)(unsigned short)(lo[i] | (unsigned)hi[i] << 8);
        if (v >= vlo && v <= vhi) {
            s += v;
            c++;
        }
    }
    *sum += s;
    *cnt += c;
}

void st_plane_sums_i16(const unsigned char *lo, const unsigned char *hi, size_t nlon,
                       const long long *rows, size_t nrows, const long long *runs, size_t nruns,
                       int vlo, int vhi, long long *sums, long long *cnts) {
    for (size_t r = 0; r < nrows; r++) {
        size_t base = (size_t)rows[r] * nlon;
        long long s = 0, c = 0;
        for (size_t k = 0; k < nruns; k++) {
            size_t from = (size_t)runs[2 * k], to = (size_t)runs[2 * k + 1];
            plane_run_i16(lo + base + from, hi + base + from, to - from, vlo, vhi, &s, &c);
        }
        sums[r] = s;
        cnts[r] = c;
    }
}
