/*
 * version.c -- the library's version and the names of its status codes.
 */
#include "assay.h"

const char *assay_version(void) { return ASSAY_VERSION; }

const char *assay_status_name(int status) {
  switch (status) {
  case ASSAY_OK: return "ASSAY_OK";
  case ASSAY_STOP: return "ASSAY_STOP";
  case ASSAY_EERROR: return "ASSAY_EERROR";
  case ASSAY_ENOMEM: return "ASSAY_ENOMEM";
  case ASSAY_EIO: return "ASSAY_EIO";
  case ASSAY_ESYNTAX: return "ASSAY_ESYNTAX";
  case ASSAY_ELIMIT: return "ASSAY_ELIMIT";
  case ASSAY_EUTF8: return "ASSAY_EUTF8";
  case ASSAY_ENOTFOUND: return "ASSAY_ENOTFOUND";
  case ASSAY_EMISUSE: return "ASSAY_EMISUSE";
  case ASSAY_ERULE: return "ASSAY_ERULE";
  case ASSAY_ESCHEMA: return "ASSAY_ESCHEMA";
  default: return "ASSAY_UNKNOWN";
  }
}
