// XGBoost's C API (Debian libxgboost-dev). Only Inversion's XGBoost wrappers import this module.
#include <xgboost/c_api.h>
