/** The file system agent: mounts and unmounts, with a deep monitor and forced unmount. */
package io.hastack.resources.fs;
