-- report_cmd.lua -- the script behind `assay report` (src/cli/report.c runs
-- it as a host script with the command's arguments).
os.exit(require("assay.report").main(arg), true)
