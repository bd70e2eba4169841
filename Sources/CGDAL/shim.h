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
