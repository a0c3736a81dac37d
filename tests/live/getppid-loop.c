/* Make N (default 1,000,000) cheap syscalls: getppid(). */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;

	for (long i = 0; i < n; i++)
		getppid();
	return 0;
}
