/** Servers run as managed processes and checked over HTTP: nginx, Tomcat, any java -jar application. */
package io.hastack.resources.service;
