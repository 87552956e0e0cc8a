/** The database agent: PostgreSQL, checked over JDBC. */
package io.hastack.resources.db;
