//go:build netcdf

/* ncdl.c implements ncdl.h; see there for the contract. */
#include "ncdl.h"

#include <dlfcn.h>
#include <stdio.h>

#define ST_DEFINE_PTR(f) __typeof__(f) *st_p_##f;
ST_NC_FUNCS(ST_DEFINE_PTR)
ST_H5_FUNCS(ST_DEFINE_PTR)
#undef ST_DEFINE_PTR

/* The resolved pointers of one attempt, copied to st_p_* only when every
   function was found. */
struct table {
#define ST_FIELD(f) __typeof__(f) *f;
    ST_NC_FUNCS(ST_FIELD)
    ST_H5_FUNCS(ST_FIELD)
#undef ST_FIELD
};

int st_check_hdf5_version(unsigned maj, unsigned min, unsigned rel, char *err, size_t errlen) {
    if (maj == H5_VERS_MAJOR && min == H5_VERS_MINOR && rel == H5_VERS_RELEASE)
        return 0;
    snprintf(err, errlen, "it uses HDF5 %u.%u.%u, but stocktake was built against HDF5 %d.%d.%d (rebuild stocktake against this library, or install the netCDF-C built on HDF5 %d.%d.%d)",
             maj, min, rel, H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE, H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE);
    return -1;
}

int st_load_netcdf(const char *name, char *err, size_t errlen) {
    /* RTLD_GLOBAL, as when linked, so that HDF5 filter plugins the library
       may load find its symbols. */
    void *h = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(err, errlen, "%s", e ? e : "dlopen failed");
        return -1;
    }
    struct table t;
    void *sym;
#define ST_RESOLVE(f)                                                          \
    dlerror();                                                                 \
    sym = dlsym(h, #f);                                                        \
    if (!sym) {                                                                \
        snprintf(err, errlen, "function %s not found in it", #f);             \
        dlclose(h);                                                            \
        return -1;                                                             \
    }                                                                          \
    t.f = (__typeof__(f) *)sym;
    ST_NC_FUNCS(ST_RESOLVE)
    ST_H5_FUNCS(ST_RESOLVE)
#undef ST_RESOLVE
    /* HDF5 aborts the process on the first call when the library's version
       differs from the headers' (H5check_version, which H5F_ACC_RDONLY
       expands to); a netCDF-C found by another name may sit on another
       HDF5, so that case is an error here instead. */
    herr_t (*libversion)(unsigned *, unsigned *, unsigned *) =
        (herr_t (*)(unsigned *, unsigned *, unsigned *))dlsym(h, "H5get_libversion");
    if (!libversion) {
        snprintf(err, errlen, "function H5get_libversion not found in it");
        dlclose(h);
        return -1;
    }
    unsigned maj = 0, min = 0, rel = 0;
    if (libversion(&maj, &min, &rel) < 0 || st_check_hdf5_version(maj, min, rel, err, errlen) != 0) {
        if (maj == 0 && min == 0 && rel == 0)
            snprintf(err, errlen, "H5get_libversion failed");
        dlclose(h);
        return -1;
    }
#define ST_COMMIT(f) st_p_##f = t.f;
    ST_NC_FUNCS(ST_COMMIT)
    ST_H5_FUNCS(ST_COMMIT)
#undef ST_COMMIT
    return 0; /* the library stays loaded for the life of the process */
}

const char *stnc_strerror(int status) { return st_p_nc_strerror(status); }
int stnc_open(const char *path, int mode, int *ncid) { return st_p_nc_open(path, mode, ncid); }
int stnc_close(int ncid) { return st_p_nc_close(ncid); }
int stnc_inq_format(int ncid, int *format) { return st_p_nc_inq_format(ncid, format); }
int stnc_inq(int ncid, int *ndims, int *nvars, int *ngatts, int *unlimdimid) {
    return st_p_nc_inq(ncid, ndims, nvars, ngatts, unlimdimid);
}
int stnc_inq_dimids(int ncid, int *ndims, int *dimids, int include_parents) {
    return st_p_nc_inq_dimids(ncid, ndims, dimids, include_parents);
}
int stnc_inq_dim(int ncid, int dimid, char *name, size_t *len) { return st_p_nc_inq_dim(ncid, dimid, name, len); }
int stnc_inq_var(int ncid, int varid, char *name, nc_type *xtype, int *ndims, int *dimids, int *natts) {
    return st_p_nc_inq_var(ncid, varid, name, xtype, ndims, dimids, natts);
}
int stnc_inq_att(int ncid, int varid, const char *name, nc_type *xtype, size_t *len) {
    return st_p_nc_inq_att(ncid, varid, name, xtype, len);
}
int stnc_get_att_text(int ncid, int varid, const char *name, char *value) {
    return st_p_nc_get_att_text(ncid, varid, name, value);
}
int stnc_get_att_string(int ncid, int varid, const char *name, char **value) {
    return st_p_nc_get_att_string(ncid, varid, name, value);
}
int stnc_free_string(size_t len, char **data) { return st_p_nc_free_string(len, data); }
int stnc_get_att_double(int ncid, int varid, const char *name, double *value) {
    return st_p_nc_get_att_double(ncid, varid, name, value);
}
int stnc_inq_attname(int ncid, int varid, int attnum, char *name) {
    return st_p_nc_inq_attname(ncid, varid, attnum, name);
}
int stnc_get_vara_double(int ncid, int varid, const size_t *startp, const size_t *countp, double *ip) {
    return st_p_nc_get_vara_double(ncid, varid, startp, countp, ip);
}
int stnc_get_vara(int ncid, int varid, const size_t *startp, const size_t *countp, void *ip) {
    return st_p_nc_get_vara(ncid, varid, startp, countp, ip);
}
