/*
 * ncdl.h declares the run-time binding of netCDF-C and HDF5. The binary does
 * not link either library: st_load_netcdf opens libnetcdf with dlopen the
 * first time a file needs netCDF-C, and resolves every netCDF-C and HDF5
 * function the reader uses from it (HDF5 is libnetcdf's own dependency, so
 * both come from the same loaded copy). Until st_load_netcdf has returned 0
 * none of the functions below may be called.
 *
 * The headers are still those of the libraries (found through pkg-config),
 * so every pointer has the exact type of the function it stands for.
 */
#ifndef STOCKTAKE_GRID_NCDL_H
#define STOCKTAKE_GRID_NCDL_H

#include <stddef.h>
#include <netcdf.h>
#include <hdf5.h>

/* ST_NC_FUNCS lists the netCDF-C functions nc.go calls. */
#define ST_NC_FUNCS(X)                                                        \
    X(nc_strerror) X(nc_open) X(nc_close) X(nc_inq_format) X(nc_inq)           \
    X(nc_inq_dimids) X(nc_inq_dim) X(nc_inq_var) X(nc_inq_att)                 \
    X(nc_get_att_text) X(nc_get_att_string) X(nc_free_string)                  \
    X(nc_get_att_double) X(nc_inq_attname) X(nc_get_vara_double) X(nc_get_vara)

/* ST_H5_FUNCS lists the HDF5 functions direct.c calls, including the two
   that HDF5's own macros (H5F_ACC_RDONLY) expand to. */
#define ST_H5_FUNCS(X)                                                        \
    X(H5open) X(H5check_version) X(H5Eset_auto2) X(H5Fopen) X(H5Fclose)        \
    X(H5Dopen2) X(H5Dclose) X(H5Dget_create_plist) X(H5Dget_type)              \
    X(H5Dget_space) X(H5Dget_chunk_storage_size) X(H5Dread_chunk)              \
    X(H5Dget_num_chunks) X(H5Dget_chunk_info) X(H5Pget_layout)                 \
    X(H5Pget_chunk) X(H5Pget_nfilters) X(H5Pget_filter2) X(H5Pclose)           \
    X(H5Tget_class) X(H5Tget_size) X(H5Tget_order) X(H5Tclose)                 \
    X(H5Sget_simple_extent_ndims) X(H5Sget_simple_extent_dims) X(H5Sclose)

/* st_p_NAME points to function NAME once the library is loaded. */
#define ST_DECLARE_PTR(f) extern __typeof__(f) *st_p_##f;
ST_NC_FUNCS(ST_DECLARE_PTR)
ST_H5_FUNCS(ST_DECLARE_PTR)
#undef ST_DECLARE_PTR

/*
 * st_load_netcdf opens the shared library name (a soname such as
 * "libnetcdf.so.19", or a path) and resolves every function listed above.
 * It returns 0 on success. On failure it returns -1, writes a message of at
 * most errlen bytes (dlerror's text, or the name of the missing function)
 * into err, closes the library and leaves the pointers as they were, so a
 * failed attempt does not disturb an earlier successful one. Callers
 * serialise calls.
 */
int st_load_netcdf(const char *name, char *err, size_t errlen);

/* st_check_hdf5_version returns 0 when maj.min.rel is the HDF5 version of
   the headers stocktake was compiled with, and otherwise -1 with a message
   in err that names both versions. */
int st_check_hdf5_version(unsigned maj, unsigned min, unsigned rel, char *err, size_t errlen);

/* Wrappers through which Go calls the netCDF-C functions (cgo cannot call a
   C function pointer): stnc_NAME(args) is st_p_NAME(args). */
const char *stnc_strerror(int status);
int stnc_open(const char *path, int mode, int *ncid);
int stnc_close(int ncid);
int stnc_inq_format(int ncid, int *format);
int stnc_inq(int ncid, int *ndims, int *nvars, int *ngatts, int *unlimdimid);
int stnc_inq_dimids(int ncid, int *ndims, int *dimids, int include_parents);
int stnc_inq_dim(int ncid, int dimid, char *name, size_t *len);
int stnc_inq_var(int ncid, int varid, char *name, nc_type *xtype, int *ndims, int *dimids, int *natts);
int stnc_inq_att(int ncid, int varid, const char *name, nc_type *xtype, size_t *len);
int stnc_get_att_text(int ncid, int varid, const char *name, char *value);
int stnc_get_att_string(int ncid, int varid, const char *name, char **value);
int stnc_free_string(size_t len, char **data);
int stnc_get_att_double(int ncid, int varid, const char *name, double *value);
int stnc_inq_attname(int ncid, int varid, int attnum, char *name);
int stnc_get_vara_double(int ncid, int varid, const size_t *startp, const size_t *countp, double *ip);
int stnc_get_vara(int ncid, int varid, const size_t *startp, const size_t *countp, void *ip);

#endif
