"""Write N daily OISST-like files for the grid benchmark.

Usage: /usr/bin/python3 gen.py TEMPLATE.nc OUTDIR N

Each file copies the template's dimensions, variables, attributes, chunking
(one 720x1440 chunk per variable), deflate level 4 and shuffle, with day d's
time advanced by d days and sst/anom perturbed by a smooth, day-dependent
field plus noise (ocean cells only), so that every file decompresses to
different values with about the template's compression ratio.
"""
import os
import sys

import netCDF4
import numpy as np

tmpl, outdir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(outdir, exist_ok=True)
src = netCDF4.Dataset(tmpl)
src.set_auto_maskandscale(False)
t0 = float(src["time"][0])
base = {v: src[v][:] for v in src.variables}
lat = np.deg2rad(base["lat"].astype(float))[:, None]
lon = np.deg2rad(base["lon"].astype(float))[None, :]
rng = np.random.default_rng(4)
epoch = np.datetime64("1978-01-01")
for d in range(n):
    day = epoch + np.timedelta64(int(t0) + d, "D")
    name = os.path.join(outdir, "oisst-avhrr-v02r01.%s.nc" % str(day).replace("-", ""))
    if os.path.exists(name):
        continue
    dst = netCDF4.Dataset(name + ".tmp", "w", format="NETCDF4")
    dst.setncatts({a: src.getncattr(a) for a in src.ncattrs()})
    for dname, dim in src.dimensions.items():
        dst.createDimension(dname, None if dim.isunlimited() else len(dim))
    field = np.rint(40 * np.sin(2 * np.pi * d / 365.25 + lon) * np.cos(lat) + rng.normal(0, 3, (720, 1440))).astype(np.int16)
    for vname, v in src.variables.items():
        f = v.filters() or {}
        kw = {}
        if v.chunking() != "contiguous":
            kw = dict(zlib=bool(f.get("zlib")), complevel=f.get("complevel", 4), shuffle=bool(f.get("shuffle")), chunksizes=v.chunking())
        fill = v.getncattr("_FillValue") if "_FillValue" in v.ncattrs() else None
        nv = dst.createVariable(vname, v.dtype, v.dimensions, fill_value=fill, **kw)
        nv.set_auto_maskandscale(False)
        nv.setncatts({a: v.getncattr(a) for a in v.ncattrs() if a != "_FillValue"})
        data = base[vname].copy()
        if vname == "time":
            data = data + d
        elif vname in ("sst", "anom"):
            ocean = data != fill
            data[ocean] = np.clip(data[ocean] + field[None, None][ocean], v.valid_min, v.valid_max)
        nv[:] = data
    dst.close()
    os.rename(name + ".tmp", name)
