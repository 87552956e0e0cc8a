/** The generic process agent: runs an argv list as a child process, never through a shell. */
package io.hastack.resources.process;
