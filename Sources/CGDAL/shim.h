// The parts of GDAL/OGR that RasterIO uses. Only RasterIO imports this module.
#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <gdal_vrt.h>
#include <gdalwarper.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
// glibc's mallopt, which Swift's Glibc module leaves out: GDAL's freed blocks must go back to the system (FreedMemory).
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
