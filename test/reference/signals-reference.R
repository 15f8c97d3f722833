# R reference for core/signals (issue 22): R's own surveillance::farringtonFlexible and
# surveillance::earsC (method "C2") over the monthly series in signals-series.json. The unit
# tests (core/signals/signals.test.ts) read the JSON this writes; CI has no R.
#
# Regenerate (Debian: `apt-get install -y r-cran-surveillance`, which brings jsonlite too):
#   Rscript test/reference/signals-reference.R
# It reads test/reference/signals-series.json and writes test/reference/signals-reference.json.
# `Rscript test/reference/signals-reference.R --make-series` first rewrites the series file
# from the seeded generator below (the checked-in file is the one the JSON was made from).
#
# The configurations mirror core/signals/farrington.ts: `monthly` is the one the observatory
# uses; the others exercise paths that `monthly` never takes (no seasonal factor, no
# reweighting, no trend, the original weights threshold 1, months left out beyond the window).
# limit54 = c(0, 1) keeps expected and upper bound in every judged month (R leaves them NA
# below the guard); a second run with the observatory's guard c(5, 1) records R's alarms with it.

suppressPackageStartupMessages({
  library(surveillance)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
scriptFile <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(scriptFile) == 1) dirname(normalizePath(scriptFile)) else "test/reference"
seriesPath <- file.path(here, "signals-series.json")
referencePath <- file.path(here, "signals-reference.json")

# Seeded monthly series, each a shape the observatory meets. Counts only, months 1..n.
makeSeries <- function() {
  set.seed(20220522)
  t72 <- 1:72
  season <- function(t, amp) 1 + amp * cos(2 * pi * (t - 1) / 12)
  pastOutbreak <- rpois(72, 25 * season(t72, 0.3))
  pastOutbreak[30:33] <- pastOutbreak[30:33] * 3
  pastOutbreak[70] <- pastOutbreak[70] + 40
  sparse <- rpois(72, 0.3)
  sparse[c(50, 66)] <- c(5L, 7L)
  feedStarts <- c(rep(0L, 20), rpois(52, 10))
  step <- c(rpois(50, 20), rpois(22, 35))
  dormant <- integer(72)
  dormant[c(5, 17, 28, 40, 52, 63, 71)] <- c(1L, 2L, 1L, 3L, 1L, 1L, 6L)
  list(
    list(name = "seasonal", counts = rpois(72, 40 * season(t72, 0.4))),
    list(name = "overdispersed", counts = rnbinom(72, mu = 30, size = 3)),
    list(name = "growing", counts = rnbinom(72, mu = 15 * exp(0.025 * t72), size = 40)),
    list(name = "sparse", counts = sparse),
    list(name = "pastOutbreak", counts = pastOutbreak),
    list(name = "large", counts = rnbinom(72, mu = 3000 * season(t72, 0.2), size = 200)),
    list(name = "declining", counts = rpois(72, 120 * exp(-0.02 * t72))),
    list(name = "stepChange", counts = step),
    list(name = "feedStarts", counts = feedStarts),
    list(name = "short", counts = rpois(30, 12)),
    list(name = "dormant", counts = dormant)
  )
}

if ("--make-series" %in% commandArgs(trailingOnly = TRUE)) {
  write(toJSON(makeSeries(), auto_unbox = TRUE, pretty = TRUE), seriesPath)
}

# Parameter sets: names as in farrington.ts (pastPeriodsNotIncluded is R's pastWeeksNotIncluded).
configs <- list(
  monthly = list(b = 3, w = 2, noPeriods = 5, pastWeeksNotIncluded = 2, alpha = 0.01,
                 reweight = TRUE, weightsThreshold = 2.58, trend = TRUE, pThresholdTrend = 0.05),
  noFactors = list(b = 4, w = 3, noPeriods = 1, pastWeeksNotIncluded = 3, alpha = 0.05,
                   reweight = TRUE, weightsThreshold = 2.58, trend = TRUE, pThresholdTrend = 0.05),
  plain = list(b = 3, w = 1, noPeriods = 4, pastWeeksNotIncluded = 0, alpha = 0.025,
               reweight = FALSE, weightsThreshold = 1, trend = FALSE, pThresholdTrend = 0.05),
  originalWeights = list(b = 3, w = 2, noPeriods = 3, pastWeeksNotIncluded = 6, alpha = 0.05,
                         reweight = TRUE, weightsThreshold = 1, trend = TRUE, pThresholdTrend = 0.05)
)
ears <- list(alpha = 0.01, minSigma = 1, baseline = 7)

series <- fromJSON(seriesPath, simplifyVector = FALSE)

runFarrington <- function(counts, cfg, limit54) {
  x <- sts(observed = matrix(as.numeric(counts), ncol = 1), frequency = 12, start = c(2000, 1))
  ctrl <- c(cfg, list(range = (12 * cfg$b + cfg$w + 1):length(counts), thresholdMethod = "nbPlugin",
                      limit54 = limit54, populationOffset = FALSE, glmWarnings = FALSE))
  farringtonFlexible(x, control = ctrl)
}

num <- function(v) ifelse(is.na(v), NA, as.numeric(v))

farrington <- list()
for (s in series) {
  for (cfgName in names(configs)) {
    cfg <- configs[[cfgName]]
    if (length(s$counts) < 12 * cfg$b + cfg$w + 1) next
    all <- runFarrington(s$counts, cfg, c(0, 1))
    guarded <- runFarrington(s$counts, cfg, c(5, 1))
    range <- (12 * cfg$b + cfg$w + 1):length(s$counts)
    farrington[[length(farrington) + 1]] <- list(
      series = s$name, config = cfgName,
      months = lapply(seq_along(range), function(i) list(
        t = range[i] - 1, # 0-based month index, as in TypeScript
        observed = as.numeric(observed(all)[i, 1]),
        expected = num(all@control$expected[i, 1]),
        upperbound = num(upperbound(all)[i, 1]),
        pvalue = num(all@control$pvalue[i, 1]),
        phi = num(all@control$phiVector[i, 1]),
        trend = !is.na(all@control$trendVector[i, 1]),
        alarm = as.logical(alarms(all)[i, 1]),
        alarmGuarded = as.logical(alarms(guarded)[i, 1])
      ))
    )
  }
}

earsRuns <- list()
for (s in series) {
  counts <- as.numeric(s$counts)
  x <- sts(observed = matrix(counts, ncol = 1), frequency = 12, start = c(2000, 1))
  range <- (ears$baseline + 3):length(counts)
  r <- earsC(x, control = list(method = "C2", baseline = ears$baseline, minSigma = ears$minSigma,
                               alpha = ears$alpha, range = range))
  earsRuns[[length(earsRuns) + 1]] <- list(
    series = s$name,
    months = lapply(seq_along(range), function(i) {
      k <- range[i]
      ref <- counts[(k - ears$baseline - 2):(k - 3)]
      sigma <- max(sd(ref), ears$minSigma)
      # earsC gives no p-value; core/signals/ears.ts uses the predictive t, checked here.
      pvalueT <- pt((counts[k] - mean(ref)) / (sigma * sqrt(1 + 1 / ears$baseline)), ears$baseline - 1,
                    lower.tail = FALSE)
      list(t = k - 1, observed = counts[k], expected = mean(ref),
           upperbound = as.numeric(upperbound(r)[i, 1]), pvalueT = pvalueT,
           alarm = as.logical(alarms(r)[i, 1]))
    })
  )
}

# Benjamini-Hochberg: R's p.adjust on the last month's p-values across the series (monthly
# configuration) and a hand-made vector with ties, a zero and a one.
lastMonthP <- sapply(Filter(function(r) r$config == "monthly", farrington),
                     function(r) r$months[[length(r$months)]]$pvalue)
bhInputs <- list(lastMonthP, c(0.01, 0.04, 0.04, 0.03, 0.5, 1, 0, 0.2, 0.011, 0.049))
bh <- lapply(bhInputs, function(p) list(p = p, adjusted = p.adjust(p, method = "BH")))

out <- list(
  note = "Generated by test/reference/signals-reference.R; do not edit by hand.",
  r = R.version.string,
  surveillance = as.character(packageVersion("surveillance")),
  farringtonConfigs = configs,
  earsConfig = ears,
  farrington = farrington,
  ears = earsRuns,
  benjaminiHochberg = bh
)
write(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = FALSE), referencePath)
cat("wrote", referencePath, "\n")
