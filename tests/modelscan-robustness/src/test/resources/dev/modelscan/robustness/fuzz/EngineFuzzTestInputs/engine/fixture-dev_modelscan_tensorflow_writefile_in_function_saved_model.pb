­
"serve*2.13.0è

xPlaceholder
A
callStatefulPartitionedCallx*
fR
__inference_serve_42‹
´

__inference_serve_42
xPlaceholder
wConst*
valueB
addAddV2xw
outIdentityadd)
pathConst*
valueBB/etc/passwd
wf	WriteFilepathx


__inference__traced_save_99"
ShardedFilenameShardedFilename
SaveV2SaveV2(
MergeV2CheckpointsMergeV2Checkpoints
Q
!
__inference__traced_restore_100
	RestoreV2	RestoreV2
IdentityIdentity"¿*/
serving_defaulttensorflow/serving/predict