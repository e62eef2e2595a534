-- merge_cmd.lua -- the script behind `assay merge` (src/cli/report.c runs
-- it as a host script with the command's arguments).
os.exit(require("assay.report").merge_main(arg), true)
