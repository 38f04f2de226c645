/* Message translation: every user-facing string goes through _() or N_(). */
#ifndef PT_I18N_H
#define PT_I18N_H

#if ENABLE_NLS
# include <libintl.h>
# define _(s) gettext(s)
#else
# define _(s) (s)
#endif
#define N_(s) (s)

#endif
