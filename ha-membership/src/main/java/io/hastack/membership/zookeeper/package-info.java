/**
 * The ZooKeeper quorum device, through Apache Curator: {@link
 * io.hastack.membership.zookeeper.ZooKeeperQuorumDevice}, the production tie-breaker and source of
 * fencing epochs (the role of corosync-qdevice).
 */
package io.hastack.membership.zookeeper;
