/* instance_lock.h - one state_dir, one process: an exclusive kernel lock on <state_dir>/decoysvc.lock
 * (flock on POSIX, LockFileEx on Windows; instance_lock_posix.c, instance_lock_win.c). The file
 * holds the holder's pid as decimal text, written after the lock is taken. A crash releases the
 * lock with the process; the file itself stays and means nothing without the lock. */
#ifndef ADDECOY_SVC_INSTANCE_LOCK_H
#define ADDECOY_SVC_INSTANCE_LOCK_H

#include <stddef.h>

#define INSTANCE_LOCK_FILE "decoysvc.lock"

typedef struct instance_lock instance_lock;

/* 0: acquired. -1: not acquired; err says why, e.g. "another decoysvc (pid 1234) is running on
 * state_dir /var/lib/addecoy". */
int instance_lock_acquire(const char *state_dir, instance_lock **out, char *err, size_t errlen);
void instance_lock_release(instance_lock *lock);
/* 1: held by a running process (*pid set when known, else 0); 0: not held (no process running);
 * -1: cannot tell (err). Never blocks. */
int instance_lock_probe(const char *state_dir, long *pid, char *err, size_t errlen);

#endif
