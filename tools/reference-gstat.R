#!/usr/bin/env Rscript
# Reference variograms, fits and kriging from gstat for the Geostatistics tests, on the classic meuse data.
#
# Run by hand from the repository root: `Rscript tools/reference-gstat.R`
# (needs `apt-get install -y --no-install-recommends r-base-core r-cran-gstat r-cran-sp`).
# Writes small CSVs into fixtures/reference/gstat/.
suppressPackageStartupMessages({
  library(sp)
  library(gstat)
})

out <- "fixtures/reference/gstat"
dir.create(out, recursive = TRUE, showWarnings = FALSE)
stamp <- sprintf("# gstat %s, sp %s, %s", packageVersion("gstat"), packageVersion("sp"), R.version.string)

# 17 significant digits round-trip doubles exactly (inputs, variogram, fitted parameters); 12 are plenty
# for predictions checked to 1e-6 and keep the files small.
digits_of <- function(x, digits) trimws(formatC(x, digits = digits, format = "g"))
write_table <- function(df, name, digits = 17) {
  path <- file.path(out, name)
  lines <- c(stamp, paste(names(df), collapse = ","))
  cols <- lapply(df, function(col) if (is.numeric(col)) digits_of(col, digits) else as.character(col))
  body <- do.call(paste, c(cols, sep = ","))
  writeLines(c(lines, body), path)
}

data(meuse, package = "sp")
data(meuse.grid, package = "sp")
meuse$logzinc <- log(meuse$zinc)
write_table(data.frame(x = meuse$x, y = meuse$y, logzinc = meuse$logzinc), "meuse.csv")
coordinates(meuse) <- ~x + y
coordinates(meuse.grid) <- ~x + y

# Default experimental variogram: cutoff = bounding-box diagonal / 3, width = cutoff / 15.
v <- variogram(logzinc ~ 1, meuse)
write_table(data.frame(np = v$np, dist = v$dist, gamma = v$gamma), "variogram.csv")

# Weighted least squares, fit.method = 7 (weights N_j / h_j^2), from the classic starting model.
fitted_row <- function(label, m) {
  data.frame(label = label, model = as.character(m$model[2]), psill = m$psill[2], range = m$range[2],
             nugget = m$psill[1], sserr = attr(m, "SSErr"))
}
sph <- fit.variogram(v, vgm(psill = 0.6, "Sph", range = 900, nugget = 0.05))
exp_ <- fit.variogram(v, vgm(psill = 0.6, "Exp", range = 300, nugget = 0.05))
gau <- fit.variogram(v, vgm(psill = 0.6, "Gau", range = 500, nugget = 0.05))
# A variogramModelList fit keeps the model with the smallest SSErr: that is the automatic choice.
best <- fit.variogram(v, structure(list(vgm(psill = 0.6, "Sph", range = 900, nugget = 0.05),
                              vgm(psill = 0.6, "Exp", range = 300, nugget = 0.05),
                              vgm(psill = 0.6, "Gau", range = 500, nugget = 0.05)),
                                    class = c("variogramModelList", "list")))
write_table(rbind(fitted_row("sph", sph), fitted_row("exp", exp_), fitted_row("gau", gau),
                  fitted_row("auto", best)), "fit.csv")

# Ordinary kriging with the fitted spherical model on all 3103 meuse.grid points.
global <- krige(logzinc ~ 1, meuse, meuse.grid, model = sph, debug.level = 0)
local <- krige(logzinc ~ 1, meuse, meuse.grid, model = sph, nmax = 20, debug.level = 0)
local_maxdist <- krige(logzinc ~ 1, meuse, meuse.grid, model = sph, nmax = 20, maxdist = 400, debug.level = 0)
grid_xy <- coordinates(meuse.grid)
write_table(data.frame(x = grid_xy[, 1], y = grid_xy[, 2],
                       global_pred = global$var1.pred, global_var = global$var1.var,
                       nmax20_pred = local$var1.pred, nmax20_var = local$var1.var,
                       maxdist400_pred = local_maxdist$var1.pred, maxdist400_var = local_maxdist$var1.var),
            "krige.csv", digits = 12)

# Block kriging of 40 m x 40 m blocks on the first 200 grid points: gstat's default block discretisation,
# and an explicit regular 4 x 4 discretisation (cell centres) passed as a block data frame.
subset <- meuse.grid[1:200, ]
block_default <- krige(logzinc ~ 1, meuse, subset, model = sph, block = c(40, 40), debug.level = 0)
offsets <- (seq_len(4) - 0.5) / 4 * 40 - 20
regular <- expand.grid(x = offsets, y = offsets)
block_regular <- krige(logzinc ~ 1, meuse, subset, model = sph, block = regular, debug.level = 0)
block_nmax <- krige(logzinc ~ 1, meuse, subset, model = sph, block = c(40, 40), nmax = 20, debug.level = 0)
sub_xy <- coordinates(subset)
write_table(data.frame(x = sub_xy[, 1], y = sub_xy[, 2],
                       default_pred = block_default$var1.pred, default_var = block_default$var1.var,
                       regular_pred = block_regular$var1.pred, regular_var = block_regular$var1.var,
                       nmax20_pred = block_nmax$var1.pred, nmax20_var = block_nmax$var1.var),
            "block.csv", digits = 12)

# Leave-one-out cross-validation with the fitted spherical model, global neighbourhood.
cv <- krige.cv(logzinc ~ 1, meuse, model = sph, debug.level = 0)
write_table(data.frame(pred = cv$var1.pred, var = cv$var1.var, observed = cv$observed,
                       residual = cv$residual, zscore = cv$zscore), "cv.csv", digits = 12)
