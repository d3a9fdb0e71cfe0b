/*
 * ncdl_redirect.h makes the HDF5 calls of the file that includes it (after
 * hdf5.h and ncdl.h) go through the pointers st_load_netcdf resolved, so
 * that the binary has no link-time reference to HDF5. It covers exactly
 * ST_H5_FUNCS of ncdl.h. A call to any other HDF5 function would still link
 * (pkg-config puts -lhdf5 on the link line for the headers' sake) and bring
 * libhdf5 back among the libraries loaded at start-up; TestNoNetCDFLink
 * fails when that happens.
 */
#ifndef STOCKTAKE_GRID_NCDL_REDIRECT_H
#define STOCKTAKE_GRID_NCDL_REDIRECT_H

#include "ncdl.h"

#define H5open st_p_H5open
#define H5check_version st_p_H5check_version
#define H5Eset_auto2 st_p_H5Eset_auto2
#define H5Fopen st_p_H5Fopen
#define H5Fclose st_p_H5Fclose
#define H5Dopen2 st_p_H5Dopen2
#define H5Dclose st_p_H5Dclose
#define H5Dget_create_plist st_p_H5Dget_create_plist
#define H5Dget_type st_p_H5Dget_type
#define H5Dget_space st_p_H5Dget_space
#define H5Dget_chunk_storage_size st_p_H5Dget_chunk_storage_size
#define H5Dread_chunk st_p_H5Dread_chunk
#define H5Dget_num_chunks st_p_H5Dget_num_chunks
#define H5Dget_chunk_info st_p_H5Dget_chunk_info
#define H5Pget_layout st_p_H5Pget_layout
#define H5Pget_chunk st_p_H5Pget_chunk
#define H5Pget_nfilters st_p_H5Pget_nfilters
#define H5Pget_filter2 st_p_H5Pget_filter2
#define H5Pclose st_p_H5Pclose
#define H5Tget_class st_p_H5Tget_class
#define H5Tget_size st_p_H5Tget_size
#define H5Tget_order st_p_H5Tget_order
#define H5Tclose st_p_H5Tclose
#define H5Sget_simple_extent_ndims st_p_H5Sget_simple_extent_ndims
#define H5Sget_simple_extent_dims st_p_H5Sget_simple_extent_dims
#define H5Sclose st_p_H5Sclose

#endif
